/**
 * graph-node's scalars in the query API: BigInt, Int8 and Timestamp as strings of an integer, BigDecimal as a
 * string of its canonical form, Bytes as lowercase 0x-hex; how an argument is parsed, and how a stored column's
 * value is answered.
 */
import { bytesToHex, isHex } from "viem";
import { GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from "graphql";
import { fromString as decimalFromString, toString as decimalToString } from "../runtime/bigDecimal.ts";
import type { Column } from "../store/layout.ts";

const stringScalar = (name: string, parse: (v: string) => unknown = (v) => v) =>
  new GraphQLScalarType({
    name,
    serialize: (v) => String(v),
    parseValue: (v) => {
      if (typeof v !== "string" && typeof v !== "number") throw new GraphQLError(`${name} must be a string`);
      return parse(String(v));
    },
    parseLiteral: (node: ValueNode) => {
      if (node.kind !== Kind.STRING && node.kind !== Kind.INT) throw new GraphQLError(`${name} must be a string`);
      return parse(node.value);
    },
  });

const integer = (name: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new GraphQLError(`Invalid ${name} value: ${v}`);
  return v;
};

const scalars = {
  BigInt: stringScalar("BigInt", integer("BigInt")),
  Int8: stringScalar("Int8", integer("Int8")),
  Timestamp: stringScalar("Timestamp", integer("Timestamp")),
  BigDecimal: stringScalar("BigDecimal", (v) => decimalToString(decimalFromString(v))),
  Bytes: stringScalar("Bytes", (v) => {
    const hex = v.startsWith("0x") ? v : `0x${v}`;
    if (!isHex(hex) || hex.length % 2 !== 0) throw new GraphQLError(`Invalid Bytes value: ${v}`);
    return hex.toLowerCase();
  }),
};

/** Gives the scalars of `graphql` (a schema built from SDL, where they are opaque) graph-node's parsing. */
export function setScalars(graphql: GraphQLSchema): void {
  for (const [name, scalar] of Object.entries(scalars)) {
    const type = graphql.getType(name) as GraphQLScalarType;
    Object.assign(type, {
      serialize: scalar.serialize,
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
    });
  }
}

/** A column's value as a row holds it, in graph-node's JSON form. */
export const outputValue = (raw: unknown, column: Column): unknown => {
  if (raw === null || raw === undefined) return null;
  const one = (v: unknown): unknown => {
    switch (column.scalar) {
      case "Bytes":
        return bytesToHex(v as Uint8Array);
      case "BigDecimal":
        return decimalToString(decimalFromString(String(v)));
      case "BigInt":
      case "Int8":
      case "Timestamp":
        return String(v);
      case "Int":
        return Number(v);
      default:
        return v;
    }
  };
  return column.field.list ? (raw as unknown[]).map(one) : one(raw);
};
