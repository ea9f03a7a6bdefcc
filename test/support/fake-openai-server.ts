// A fake OpenAI-compatible server on loopback for the dedup tests (embeddings, chat): each request's
// JSON body is recorded, and `answer` decides the reply (`"hang"` never answers).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeAnswer = { status: number; body: unknown } | "hang";

export interface FakeOpenAIServer {
  /** The API base, `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  requests: { path: string | undefined; body: unknown }[];
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export async function startFakeOpenAIServer(
  answer: (body: unknown) => FakeAnswer,
): Promise<FakeOpenAIServer> {
  const requests: FakeOpenAIServer["requests"] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const body = JSON.parse(raw) as unknown;
      requests.push({ path: request.url, body });
      const reply = answer(body);
      if (reply === "hang") return;
      response.writeHead(reply.status, { "content-type": "application/json" });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
