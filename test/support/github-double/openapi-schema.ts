// Turns OpenAPI 3.0 schemas (with `nullable`) into JSON Schema that ajv can compile.
type Schema = { [key: string]: unknown };

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (!isSchema(value)) return value;
  const out: Schema = {};
  for (const [key, child] of Object.entries(value))
    if (key !== "nullable") out[key] = toJsonSchema(child);
  if (value.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}
