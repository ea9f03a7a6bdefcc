// REST: App (JWT) endpoints, and the repository itself.
import { randomBytes } from "node:crypto";
import type { DoubleContext } from "./context.ts";
import { notFound } from "./errors.ts";
import type { Route } from "./rest-types.ts";
import { appJson, repositoryJson } from "./serialize.ts";

export const TOKEN_PERMISSIONS = { issues: "write", metadata: "read" };

function installationJson(ctx: DoubleContext): Record<string, unknown> {
  const { app, urls } = ctx;
  return {
    id: app.installationId,
    client_id: `Iv1.double${app.appId}`,
    account: ctx.people.user(urls.owner),
    repository_selection: "selected",
    access_tokens_url: `${urls.api}/app/installations/${app.installationId}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/settings/installations/${app.installationId}`,
    app_id: app.appId,
    app_slug: app.appSlug,
    target_id: ctx.people.userId(urls.owner),
    target_type: "User",
    permissions: TOKEN_PERMISSIONS,
    events: ["issues", "issue_comment", "label", "sub_issues", "issue_dependencies"],
    created_at: app.createdAt,
    updated_at: app.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

function checkInstallation(ctx: DoubleContext, id: string | undefined): void {
  if (Number(id) !== ctx.app.installationId) throw notFound();
}

export const appRoutes: Route[] = [
  {
    method: "GET",
    template: "/app",
    auth: "jwt",
    handle: (req) => ({ status: 200, body: appJson(req.ctx) }),
  },
  {
    method: "GET",
    template: "/app/installations",
    auth: "jwt",
    handle: (req) => ({ status: 200, body: [installationJson(req.ctx)] }),
  },
  {
    method: "GET",
    template: "/app/installations/{installation_id}",
    auth: "jwt",
    handle: (req) => {
      checkInstallation(req.ctx, req.params.installation_id);
      return { status: 200, body: installationJson(req.ctx) };
    },
  },
  {
    method: "POST",
    template: "/app/installations/{installation_id}/access_tokens",
    auth: "jwt",
    handle: (req) => {
      checkInstallation(req.ctx, req.params.installation_id);
      const expires = new Date(Date.now() + 3_600_000);
      expires.setUTCMilliseconds(0);
      return {
        status: 201,
        body: {
          token: `ghs_${randomBytes(18).toString("hex")}`,
          expires_at: expires.toISOString().replace(".000Z", "Z"),
          permissions: TOKEN_PERMISSIONS,
          repository_selection: "selected",
        },
      };
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/installation",
    auth: "jwt",
    handle: (req) => ({ status: 200, body: installationJson(req.ctx) }),
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}",
    auth: "installation",
    handle: (req) => ({ status: 200, body: repositoryJson(req.ctx) }),
  },
  {
    method: "GET",
    template: "/installation/repositories",
    auth: "installation",
    handle: (req) => ({
      status: 200,
      body: {
        total_count: 1,
        repository_selection: "selected",
        repositories: [repositoryJson(req.ctx)],
      },
    }),
  },
];
