/**
 * Coalesces messages to another thread: everything posted in one turn of the event loop crosses as
 * one array. A postMessage costs a structured clone and a wake-up of the other thread (tens of
 * microseconds); at a thousand messages a second that overhead would be a good part of a core.
 */
export function portBatcher<M>(post: (batch: M[]) => void): (m: M) => void {
  let pending: M[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length) post(batch);
  };
  return (m: M) => {
    pending.push(m);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
