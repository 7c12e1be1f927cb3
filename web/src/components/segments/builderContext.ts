import { createContext, useContext } from 'react';
import type { SegmentFieldCatalog } from '../../../../src/segments/segment.schema';
import type { ApiError } from '../../api';

export interface NodeErrorInfo {
  error: ApiError;
  /** The part of the node at fault (`value`, `event.where[0].path`), '' for the node itself. */
  rest: string;
}

/** What every condition editor needs besides its own node: the field catalog and where the errors are. */
export interface BuilderContext {
  catalog: SegmentFieldCatalog | undefined;
  /** Server validation errors by node path (`root.conditions[1]`), with the sub-field at fault. */
  errors: ReadonlyMap<string, NodeErrorInfo>;
  /** Node paths of conditions that still have an empty required input. */
  incomplete: ReadonlySet<string>;
  /** The segment being edited, so it is not offered as its own membership condition. */
  selfId?: string;
}

const Context = createContext<BuilderContext>({ catalog: undefined, errors: new Map(), incomplete: new Set() });
export const BuilderProvider = Context.Provider;
export const useBuilder = (): BuilderContext => useContext(Context);
