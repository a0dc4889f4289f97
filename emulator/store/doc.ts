/** A stored document: engine values (Date, RegExp), always with a string `_id`. */
export type Doc = Record<string, unknown> & { _id: string }
