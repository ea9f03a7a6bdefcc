import { existsSync } from "node:fs";
import { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../context.js";
import { printJson } from "../output.js";

const From = z.string().regex(/^sqlite:.+/, "must be sqlite:<path to the .db file>");
const To = z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL");

const parse = <T>(schema: z.ZodType<T>, value: string | undefined, flag: string): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
};

/** `baton store copy`: moves an install from its SQLite file to PostgreSQL (run it with Baton stopped). */
export function storeCommand(): Command {
  const store = new Command("store").description("the server's own store (run on the server)");
  store
    .command("copy")
    .description("copy a SQLite store into an empty PostgreSQL database (stop Baton first)")
    .requiredOption("--from <sqlite:path>", "the SQLite store, e.g. sqlite:./data/baton.db")
    .option("--to <url>", "the PostgreSQL database (default: $DATABASE_URL)")
    .option("--schema <name>", "PostgreSQL schema (default: $BATON_DB_SCHEMA or public)")
    .option("--json", "print JSON")
    .action(async (opts: { from: string; to?: string; schema?: string; json?: boolean }) => {
      // Loaded here: no other command needs the store or its drivers.
      const { loadStoreConfig } = await import("../../config.js");
      const { openDatabase } = await import("../../store/database.js");
      const { openStore, isPostgres } = await import("../../store/open-store.js");
      const { copyStore, StoreCopyError } = await import("../../store/store-copy.js");
      const config = loadStoreConfig();
      const path = parse(From, opts.from, "--from").slice("sqlite:".length);
      const url = parse(To, opts.to ?? config.store.url, "--to");
      if (!existsSync(path)) throw new UsageError(`--from: no SQLite store at ${path}`);
      const source = openDatabase(path);
      const target = openStore({ path: "", url, schema: opts.schema ?? config.store.schema });
      try {
        if (!isPostgres(target)) throw new UsageError("--to must be a PostgreSQL database");
        const copied = copyStore(source, target);
        const rows = Object.values(copied).reduce((a, b) => a + b, 0);
        if (opts.json) printJson({ copied, rows });
        else
          console.log(`Copied ${rows} rows in ${Object.keys(copied).length} tables to PostgreSQL.`);
      } catch (error) {
        if (error instanceof StoreCopyError) throw new UsageError(error.message);
        throw error;
      } finally {
        source.close();
        target.close();
      }
    });
  return store;
}
