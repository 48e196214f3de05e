/**
 * The one wrapper every opened store goes through: a run's spans come out normalized (unique
 * ids, parents repaired and marked, errors derived the one way: model/normalize) and with `llm`
 * filled by the enrichment pass (src/enrich/llm), whatever the reader; search documents carry
 * `llm.*` attributes. Readers stay ignorant of LLM dialects; surfaces never parse them.
 */
import { extractLlm, hideContent, withLlmSearchAttributes } from '../enrich/llm';
import { normalizeSpans } from '../model/normalize';
import type { Span } from '../model/types';
import type { SearchDoc, TraceStore } from './types';

export interface EnrichOptions {
  /** Asked on every read: the privacy setting can change while a store stays open. */
  hideLlmContent?: () => boolean;
}

function enrichSpan(span: Span, format: string, hide: boolean): Span {
  const llm = extractLlm(span, { format });
  if (!llm) return span;
  const out: Span = { ...span, llm };
  return hide ? hideContent(out) : out;
}

function enrichDoc(doc: SearchDoc, format: string, hide: boolean): SearchDoc {
  // A search document has attributes, not events: what events alone record is not indexed here.
  const llm = extractLlm({ attributes: doc.attributes, events: [] }, { format });
  if (!llm) return doc;
  const shown = hide ? hideContent({ attributes: doc.attributes, llm }) : { attributes: doc.attributes, llm };
  return { ...doc, attributes: withLlmSearchAttributes(shown.attributes, shown.llm) };
}

/**
 * `store` with LLM calls read from its spans. A Proxy, so every other member — including ones a
 * reader adds later — passes through to the reader itself (methods bound to it).
 */
export function enrichStore(store: TraceStore, options: EnrichOptions = {}): TraceStore {
  const hide = (): boolean => options.hideLlmContent?.() === true;
  const format = store.format;
  const getSpans = async (runId: string): Promise<Span[]> => {
    const h = hide();
    return normalizeSpans(await store.getSpans(runId)).map((s) => enrichSpan(s, format, h));
  };
  const scanSpans: TraceStore['scanSpans'] = (onBatch, signal, runIds) => {
    const h = hide();
    return store.scanSpans!((docs) => onBatch(docs.map((d) => enrichDoc(d, format, h))), signal, runIds);
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'getSpans') return getSpans;
      if (prop === 'scanSpans') return target.scanSpans ? scanSpans : undefined;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
