import { folderGlob, type StoreKind } from '../kind';
import { WAFT_TRACES_PATH } from '../storeFiles';
import { openWaftStore } from './reader';

/** waft's daily JSON-lines files: one store per `_pyrite/analytics/traces` folder, followed as it grows. */
export const waftKind: StoreKind = {
  format: 'waft',
  label: 'waft (JSON lines)',
  discovery: {
    globs: [folderGlob(WAFT_TRACES_PATH)],
    names: [],
    folders: [WAFT_TRACES_PATH],
    welcome: "waft's _pyrite/analytics/traces folders",
  },
  changes: 'files',
  incremental: true,
  cost: { spansPerRunQuery: false },
  open: (target) => openWaftStore(target, target),
};
