// Reads the Authorization header: App JWT, installation token, or "token user:<login>" for a person.
import type { Actor } from "./people.ts";

function jwtIssuer(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    if (payload && typeof payload === "object" && "iss" in payload) return String(payload.iss);
  } catch {
    return undefined;
  }
  return undefined;
}

/** The actor for a header, or undefined for bad credentials. Signatures are not verified. */
export function authenticate(header: string | undefined, appId: number): Actor | undefined {
  const match = header ? /^(token|bearer)\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const credential = match[2] ?? "";
  if (credential.startsWith("ghs_")) return { kind: "app" };
  if (credential.startsWith("user:") && credential.length > 5)
    return { kind: "user", login: credential.slice(5) };
  const issuer = jwtIssuer(credential);
  // Newer JWT libraries may put the App's client id in `iss`; accept the double's one too.
  if (issuer !== undefined)
    return issuer === String(appId) || issuer === `Iv1.double${appId}`
      ? { kind: "jwt" }
      : undefined;
  return undefined;
}
