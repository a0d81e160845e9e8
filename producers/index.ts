/**
 * @module producers
 * See ARCHITECTURE.md for what this folder owns.
 */
export {};
