// GitHub-style page/per_page pagination with an absolute-URL Link header.
import { DoubleError } from "./errors.ts";

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new DoubleError(422, `Invalid value for ${name}`);
  return value;
}

export function paginate<T>(all: T[], query: URLSearchParams, requestUrl: URL): Page<T> {
  const perPage = Math.min(100, Math.max(1, intParam(query, "per_page", 30)));
  const page = Math.max(1, intParam(query, "page", 1));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (n: number, rel: string): string => {
    const url = new URL(requestUrl.href);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}
