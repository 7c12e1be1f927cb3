import { createContext, useContext } from 'react';
import type { TemplateSummary } from '../../../../src/messaging/template.api.schema';
import type { SegmentSummary } from '../../../../src/segments/segment.schema';

/** What node cards and the side panel look names up in: the workspace's templates and segments. */
export interface JourneyLookups {
  templates: readonly TemplateSummary[];
  segments: readonly SegmentSummary[];
}

const Context = createContext<JourneyLookups>({ templates: [], segments: [] });
export const LookupsProvider = Context.Provider;
export const useLookups = (): JourneyLookups => useContext(Context);
