import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";

/** What `baton login` saves: the server and the agent key, readable by the user only. */
export const SavedLoginSchema = z.object({
  url: z.string().min(1),
  agent_key: z.string().min(1),
  insecure: z.boolean().optional(),
});
export type SavedLogin = z.infer<typeof SavedLoginSchema>;

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".config");
  return join(base, "baton", "config.json");
}

/** The saved login, or undefined if there is none (a broken file counts as none). */
export function readSavedLogin(path = configPath()): SavedLogin | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = SavedLoginSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeSavedLogin(login: SavedLogin, path = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // An existing file keeps its old mode on write: tighten it explicitly.
  chmodSync(path, 0o600);
}
