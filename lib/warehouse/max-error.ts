/**
 * How many rejects make a load fail under MAXERROR n, as Redshift documents it: "If the load returns the
 * error_count number of errors or greater, the load fails", and 0 or 1 both fail at the first. So MAXERROR 2
 * tolerates one reject, not two. (Shared by the local COPY and the pipeline, which runs on both targets.)
 */
export function rejectsThatFail(maxError: number): number {
  return Math.max(1, maxError);
}
