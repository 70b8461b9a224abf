/**
 * Node options the indexer runs with: a 256 MB cap on V8's old generation. The indexer's live data is bounded (a
 * range of about 5,000 events, a batch of up to 10,000 changes, a 50,000-entity cache; some 60 MB at the
 * benchmark's peak), but without a cap V8 lets its heap grow to two or three times that before collecting.
 * `npm run indexer` passes the same option.
 */
export const indexerNodeOptions = ["--max-old-space-size=256"];
