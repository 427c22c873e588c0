// Filled in by this family's recipes.
export {};
