/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // Integration specs start ZooKeeper JVMs (~2 s, ~100 MB each): two workers keep a 2-core machine responsive.
  maxWorkers: 2,
  testTimeout: 30000,
};
