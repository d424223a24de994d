/**
 * A PSP's Banco Central Pix API, in memory: `POST /oauth/token` (client credentials, Basic or
 * body, form or JSON) and `GET /api/v2/pix?inicio=&fim=&paginacao.*` over the Pix it holds,
 * paged as Banco Central specifies. Tests hand its `fetch` to the reconciler (as the Worker's
 * global fetch, or as an mTLS certificate binding) and read what it was asked.
 */

export const BASE_URL = "https://pix.psp.test/api/v2";
export const TOKEN_URL = "https://pix.psp.test/oauth/token";

export interface FakePspOptions {
  clientId: string;
  clientSecret: string;
  /** Seconds a token lives (`expires_in`). */
  tokenLifetime?: number;
  /** false: answers leave out `quantidadeDePaginas`, as some PSPs do. */
  statesPageCount?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
}

/** What the PSP does instead of answering: a status, a body that is not JSON, or no answer. */
export type Outage = number | "garbage" | "no_answer";

export function fakePsp(options: FakePspOptions) {
  const pix: Record<string, unknown>[] = [];
  const requests: SeenRequest[] = [];
  const tokens = new Set<string>();
  let issued = 0;
  let outage: Outage | undefined;

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const seen = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: new TextDecoder().decode(await request.arrayBuffer()),
    };
    requests.push(seen);
    if (outage === "no_answer") throw new TypeError("fetch failed");
    if (outage === "garbage") return new Response("<html>Bad gateway</html>", { status: 200, headers: { "content-type": "text/html" } });
    if (typeof outage === "number") return Response.json({ title: "unavailable" }, { status: outage, headers: outage === 429 ? { "retry-after": "120" } : {} });
    if (url.pathname === "/oauth/token" && request.method === "POST") return token(seen);
    if (url.pathname === "/api/v2/pix" && request.method === "GET") return list(seen);
    return new Response("not found", { status: 404 });
  }

  function token(seen: SeenRequest): Response {
    const basic = seen.headers.get("authorization");
    const json = seen.headers.get("content-type")?.startsWith("application/json") ?? false;
    const fields = json ? new Map(Object.entries(JSON.parse(seen.body) as Record<string, string>)) : new Map(new URLSearchParams(seen.body));
    const [id, secret] = basic?.startsWith("Basic ") ? atob(basic.slice(6)).split(":") : [fields.get("client_id"), fields.get("client_secret")];
    if (fields.get("grant_type") !== "client_credentials" || id !== options.clientId || secret !== options.clientSecret) {
      return Response.json({ error: "invalid_client" }, { status: 401 });
    }
    issued += 1;
    const accessToken = `tok-${issued}-${crypto.randomUUID()}`;
    tokens.add(accessToken);
    return Response.json({ access_token: accessToken, token_type: "Bearer", expires_in: options.tokenLifetime ?? 3600, scope: fields.get("scope") ?? "" });
  }

  function list(seen: SeenRequest): Response {
    const bearer = seen.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
    if (!tokens.has(bearer)) return Response.json({ title: "Não autorizado" }, { status: 401 });
    const inicio = Date.parse(seen.query.get("inicio") ?? "");
    const fim = Date.parse(seen.query.get("fim") ?? "");
    if (Number.isNaN(inicio) || Number.isNaN(fim) || fim < inicio) return Response.json({ title: "PixConsultaInvalida" }, { status: 400 });
    const page = Number(seen.query.get("paginacao.paginaAtual") ?? "0");
    const perPage = Number(seen.query.get("paginacao.itensPorPagina") ?? "100");
    const matching = pix.filter((item) => {
      const at = Date.parse(String(item.horario));
      return at >= inicio && at <= fim;
    });
    return Response.json({
      parametros: {
        inicio: seen.query.get("inicio"),
        fim: seen.query.get("fim"),
        paginacao: {
          paginaAtual: page,
          itensPorPagina: perPage,
          ...(options.statesPageCount !== false && { quantidadeDePaginas: Math.ceil(matching.length / perPage) }),
          quantidadeTotalDeItens: matching.length,
        },
      },
      pix: matching.slice(page * perPage, (page + 1) * perPage),
    });
  }

  return {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init)),
    /** The Pix the PSP received (what GET /pix lists). */
    pix,
    requests,
    tokenRequests: () => requests.filter((r) => r.path === "/oauth/token"),
    pageRequests: () => requests.filter((r) => r.path === "/api/v2/pix"),
    revokeTokens: () => tokens.clear(),
    setOutage: (value: Outage | undefined) => {
      outage = value;
    },
  };
}

export type FakePsp = ReturnType<typeof fakePsp>;
