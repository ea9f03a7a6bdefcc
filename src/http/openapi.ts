import { z } from "zod";
import { ErrorSchema } from "./error-envelope.js";
import type { AnyRoute } from "./route.js";

type Json = Record<string, unknown>;

/**
 * A zod schema as JSON Schema, its named parts (`.meta({id})`) hoisted into
 * `components.schemas` so the document names Task, TaskCreate, Agent… once.
 */
function schemaIn(components: Json) {
  return (type: z.ZodType, io: "input" | "output"): Json => {
    const {
      $schema: _drop,
      $defs,
      ...rest
    } = z.toJSONSchema(type, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
    for (const [name, def] of Object.entries(($defs ?? {}) as Json))
      components[name] ??= rewriteRefs(def);
    return rewriteRefs(rest) as Json;
  };
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string"
        ? inner.replace("#/$defs/", "#/components/schemas/")
        : rewriteRefs(inner),
    ]),
  );
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Json = {};
  const schema = schemaIn(components);
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const [where, type] of [
      ["path", route.params],
      ["query", route.query],
    ] as const) {
      if (!type) continue;
      const json = schema(type, "input") as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(json.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === "path" || (json.required ?? []).includes(name),
          schema: property,
        });
      }
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      parameters,
      responses: {
        [String(route.status ?? 200)]: {
          description: "Success",
          content: { "application/json": { schema: schema(route.response, "output") } },
        },
        default: {
          description: "Error",
          content: { "application/json": { schema: schema(ErrorSchema, "output") } },
        },
      },
    };
    if (!route.public) operation.security = [{ agentKey: [] }, { bearer: [] }];
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: schema(route.body, "input") } },
      };
    }
    if (route.method === "post") {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: { type: "string", maxLength: 255 },
      });
    }
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Baton task API",
      version,
      description:
        "Tasks for AI agents, stored as GitHub issues. Wire-compatible with the Delega API.",
    },
    servers: [{ url: "/v1" }, { url: "/api" }],
    components: {
      schemas: components,
      securitySchemes: {
        agentKey: { type: "apiKey", in: "header", name: "X-Agent-Key" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
    paths,
  };
}
