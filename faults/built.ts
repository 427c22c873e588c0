/**
 * rxzk as users install it: the built package's CommonJS entry points in dist/. The workers drive the
 * recipes through these, never through src/, so a run checks what ships; the types are the sources'
 * (the build emits the same declarations).
 */
import * as path from 'node:path';
import type * as Core from '../src/index';
import type * as Recipes from '../src/recipes/index';

export type RxzkCore = typeof Core;
export type RxzkRecipes = typeof Recipes;

/** The repository's dist/ directory. */
export const DIST = path.resolve(__dirname, '..', 'dist');

/** Loads `rxzk` and `rxzk/recipes` from a dist/ directory. */
export function loadBuilt(dist: string = DIST): { core: RxzkCore; recipes: RxzkRecipes } {
  const core = require(path.join(dist, 'index.cjs')) as RxzkCore;
  const recipes = require(path.join(dist, 'recipes.cjs')) as RxzkRecipes;
  return { core, recipes };
}
