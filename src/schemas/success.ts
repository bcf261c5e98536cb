import * as v from "valibot";

/** Delete's body (success.json); extra fields pass through. */
export const SuccessSchema = v.looseObject({ success: v.literal(true) });

/** What a delete resolves with; `alreadyDeleted` when a retry found the work done. */
export type DeleteResult = v.InferOutput<typeof SuccessSchema> & { alreadyDeleted?: true };
