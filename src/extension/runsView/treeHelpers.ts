/**
 * Small span-tree helpers for the Runs view. Pure (no 'vscode'): unit-tested.
 */
export { nodesOnErrorPaths } from '../../analysis/tree';
export { withoutChildren } from '../../model/walk';
