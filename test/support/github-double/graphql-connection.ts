// Relay connections with GitHub's rules: `first` or `last` is required and at most 100.
import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export function gqlError(type: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

const encodeCursor = (index: number): string => Buffer.from(`cursor:${index}`).toString("base64");

function decodeCursor(cursor: string): number {
  const match = /^cursor:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match)
    throw gqlError(
      "INVALID_CURSOR_ARGUMENTS",
      `\`${cursor}\` does not appear to be a valid cursor.`,
    );
  return Number(match[1]);
}

export function connection<T>(
  all: T[],
  args: ConnectionArgs,
  name: string,
): Record<string, unknown> {
  const { first, last } = args;
  if (first == null && last == null) {
    throw gqlError(
      "MISSING_PAGINATION_BOUNDARIES",
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
    );
  }
  for (const [arg, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value != null && (value < 0 || value > 100)) {
      throw gqlError(
        "EXCESSIVE_PAGINATION",
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`,
      );
    }
  }
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? decodeCursor(args.before) : all.length;
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const slice = all.slice(start, end).map((node, i) => ({ node, cursor: encodeCursor(start + i) }));
  return {
    nodes: slice.map((e) => e.node),
    edges: slice,
    totalCount: all.length,
    pageInfo: {
      hasNextPage: end < all.length,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice[slice.length - 1]?.cursor ?? null,
    },
  };
}
