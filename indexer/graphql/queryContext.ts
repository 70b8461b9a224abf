/** What every resolver of one request is given (the request's context), and the rows the reads pass down. */
import type { Sql } from "../store/database.ts";
import type { IndexingStatus } from "../store/sql/blockRecords.ts";
import type { QueryLimits } from "./limits.ts";
import type { QueryRun } from "./queryRun.ts";
import type { Batch } from "./reads/gather.ts";

export type QueryContext = {
  sql: Sql;
  deployment: string;
  /** Read once per request: every field of a request sees the same head. */
  status: IndexingStatus;
  limits: QueryLimits;
  run: QueryRun;
  /** Reads gathered in this turn, to be made together (see `gather`). */
  batches: Map<string, Batch<unknown>>;
};

/** An entity table's row as read, with the block it was read at (its fields' reads are made at the same block). */
export type Row = Record<string, unknown> & { __block: number };
