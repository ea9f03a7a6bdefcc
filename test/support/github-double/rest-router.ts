// Matches "/repos/{owner}/{repo}/…" templates against request paths.
import type { Route } from "./rest-types.ts";

// Numeric path parameters only match digits, so "/issues/comments/1" never hits "/issues/{issue_number}".
const NUMERIC = new Set([
  "issue_number",
  "issue_id",
  "comment_id",
  "installation_id",
  "delivery_id",
]);

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export class RestRouter {
  private readonly compiled: CompiledRoute[] = [];

  add(...routes: Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const pattern = route.template.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return NUMERIC.has(name) ? "(\\d+)" : "([^/]+)";
      });
      this.compiled.push({ route, regex: new RegExp(`^${pattern}/?$`), names });
    }
  }

  /** The route for a path, or which methods exist there (for 404 vs. a route template in logs). */
  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | undefined {
    for (const { route, regex, names } of this.compiled) {
      if (route.method !== method) continue;
      const m = regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { route, params };
    }
    return undefined;
  }
}
