import * as v from "valibot";

/** Delete's body (success.json); extra fields pass through. */
export const SuccessSchema: v.GenericSchema<unknown, { success: true; [key: string]: unknown }> = v
  .looseObject({ success: v.literal(true) });

/** What a delete resolves with; `alreadyDeleted` when a retry found the work done. */
export interface DeleteResult {
  /** Always `true`: a failed delete is an error, never `success: false`. */
  success: true;
  /** The token was gone on a retry after an attempt whose outcome was unknown. */
  alreadyDeleted?: true;
  /** Other fields of the server's answer pass through. */
  [key: string]: unknown;
}
