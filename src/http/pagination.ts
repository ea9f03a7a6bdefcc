/** Slices a list and builds a GitHub-style `Link` header for it. Pure. */
export function paginate<T>(
  items: T[],
  page: number,
  limit: number,
  url: URL,
): { items: T[]; headers: Record<string, string> } {
  const last = Math.max(1, Math.ceil(items.length / limit));
  const link = (p: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set("page", String(p));
    target.searchParams.set("limit", String(limit));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(Math.min(page - 1, last), "prev"));
  const headers: Record<string, string> = { "x-total-count": String(items.length) };
  if (links.length) headers.link = links.join(", ");
  return { items: items.slice((page - 1) * limit, page * limit), headers };
}
