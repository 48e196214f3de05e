import { folderGlob, type StoreKind } from '../kind';
import { OTLP_NAME_RULES, RECEIVER_DIR_PATH, ruleGlob } from '../storeFiles';
import { openOtlpStore } from './reader';

/** OpenTelemetry OTLP/JSON: a Collector file exporter's output, or the receiver's `.spanlens/otlp` folder. */
export const otlpKind: StoreKind = {
  format: 'otlp',
  label: 'OpenTelemetry (OTLP/JSON)',
  discovery: {
    globs: [...OTLP_NAME_RULES.map(ruleGlob), folderGlob(RECEIVER_DIR_PATH)],
    names: OTLP_NAME_RULES,
    folders: [RECEIVER_DIR_PATH],
    welcome: 'OpenTelemetry *.otlp.jsonl / otel-traces*.json files',
  },
  changes: 'files',
  incremental: true,
  cost: { spansPerRunQuery: false },
  open: (target) => openOtlpStore(target, target),
};
