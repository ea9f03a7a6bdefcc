// REST: repository labels.
import { createLabel, deleteLabel, getLabel, updateLabel } from "./ops-labels.ts";
import { paginate } from "./pagination.ts";
import { bodyObject, type Route } from "./rest-types.ts";
import { labelJson } from "./serialize.ts";

const LABELS = "/repos/{owner}/{repo}/labels";
const LABEL = `${LABELS}/{name}`;

export const labelRoutes: Route[] = [
  {
    method: "GET",
    template: LABELS,
    auth: "installation",
    handle: (req) => {
      const page = paginate([...req.ctx.state.labels.values()], req.query, req.url);
      return {
        status: 200,
        body: page.items.map((l) => labelJson(req.ctx, l)),
        headers: page.headers,
      };
    },
  },
  {
    method: "POST",
    template: LABELS,
    auth: "installation",
    handle: (req) => {
      const label = createLabel(req.ctx, req.actor, bodyObject(req.body));
      return {
        status: 201,
        body: labelJson(req.ctx, label),
        headers: { location: req.ctx.urls.labelApi(label.name) },
      };
    },
  },
  {
    method: "GET",
    template: LABEL,
    auth: "installation",
    handle: (req) => ({
      status: 200,
      body: labelJson(req.ctx, getLabel(req.ctx, req.params.name ?? "")),
    }),
  },
  {
    method: "PATCH",
    template: LABEL,
    auth: "installation",
    handle: (req) => ({
      status: 200,
      body: labelJson(
        req.ctx,
        updateLabel(req.ctx, req.actor, req.params.name ?? "", bodyObject(req.body)),
      ),
    }),
  },
  {
    method: "DELETE",
    template: LABEL,
    auth: "installation",
    handle: (req) => {
      deleteLabel(req.ctx, req.actor, req.params.name ?? "");
      return { status: 204 };
    },
  },
];
