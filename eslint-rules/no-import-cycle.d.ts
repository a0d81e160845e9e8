import type { Rule } from 'eslint';

/** The import cycles among the TypeScript sources under `root` (each a sorted list of files). */
export function findCycles(root: string): string[][];
/** The ESLint rule `shardflow/no-import-cycle`. */
export const noImportCycle: Rule.RuleModule;
declare const plugin: { rules: Record<string, Rule.RuleModule> };
export default plugin;
