// POST /api/graphql: parse, validate and execute against the subset schema.
import {
  buildSchema,
  execute,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from "graphql";
import type { DoubleContext } from "./context.ts";
import { createRoot } from "./graphql-root.ts";
import type { GraphqlContext } from "./graphql-views.ts";
import { SCHEMA_SDL } from "./graphql-schema.ts";
import type { Actor } from "./people.ts";
import { bodyObject } from "./rest-types.ts";

const schema = buildSchema(SCHEMA_SDL);

interface GraphqlRequest {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  document?: DocumentNode;
  syntaxError?: GraphQLError;
}

export function readGraphqlRequest(body: unknown): GraphqlRequest {
  const obj = bodyObject(body);
  const request: GraphqlRequest = { query: typeof obj.query === "string" ? obj.query : "" };
  if (typeof obj.operationName === "string") request.operationName = obj.operationName;
  if (obj.variables && typeof obj.variables === "object")
    request.variables = obj.variables as Record<string, unknown>;
  try {
    request.document = parse(request.query);
  } catch (error) {
    request.syntaxError = error as GraphQLError;
  }
  return request;
}

/** Names a request can be matched by in faults/logs: the operation name, then its first field. */
/** Whether the request's operation changes something (a mutation) rather than reads. */
export function isGraphqlMutation(request: GraphqlRequest): boolean {
  return (
    request.document?.definitions.some(
      (d) =>
        d.kind === Kind.OPERATION_DEFINITION &&
        (!request.operationName || d.name?.value === request.operationName) &&
        d.operation === "mutation",
    ) ?? false
  );
}

export function graphqlNames(request: GraphqlRequest): string[] {
  const op = request.document?.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION &&
      (!request.operationName || d.name?.value === request.operationName),
  );
  const names: string[] = [];
  const opName = request.operationName ?? op?.name?.value;
  if (opName) names.push(opName);
  const first = op?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  if (first?.kind === Kind.FIELD) names.push(first.name.value);
  return names.length > 0 ? names : ["unknown"];
}

/** GitHub puts the error type at the top level of each error. */
function formatError(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: error.message };
  const type = error.extensions.type;
  if (typeof type === "string") out.type = type;
  if (error.path) out.path = error.path;
  if (error.locations) out.locations = error.locations;
  return out;
}

export async function executeGraphql(
  ctx: DoubleContext,
  actor: Actor,
  request: GraphqlRequest,
): Promise<Record<string, unknown>> {
  if (!request.document) {
    const message =
      request.syntaxError?.message ?? "A query attribute must be specified and must be a string.";
    return { errors: [{ message, locations: request.syntaxError?.locations ?? [] }] };
  }
  const invalid = validate(schema, request.document);
  if (invalid.length > 0) return { errors: invalid.map(formatError) };
  const result = await execute({
    schema,
    document: request.document,
    rootValue: createRoot(ctx, actor),
    contextValue: { viewer: ctx.people.loginOf(actor) } satisfies GraphqlContext,
    variableValues: request.variables ?? null,
    operationName: request.operationName ?? null,
  });
  const answer: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors) answer.errors = result.errors.map(formatError);
  return answer;
}
