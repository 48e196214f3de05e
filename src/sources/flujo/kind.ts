import type { StoreKind } from '../kind';
import { FLUJO_NAME_RULES, ruleGlob } from '../storeFiles';
import { openFlujoStore } from './reader';

/** Flujo's SQLite `flujo_ops.db`, its -wal merged on every read. */
export const flujoKind: StoreKind = {
  format: 'flujo',
  label: 'Flujo (SQLite)',
  discovery: {
    globs: FLUJO_NAME_RULES.map(ruleGlob),
    names: FLUJO_NAME_RULES,
    folders: [],
    inStoreGlobsSetting: true,
    welcome: "Flujo's flujo_ops.db",
  },
  changes: 'file-and-wal',
  incremental: false,
  cost: { spansPerRunQuery: false },
  open: (target) => openFlujoStore(target, target),
};
