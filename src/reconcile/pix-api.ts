import { asList, asNumber, field, isObject } from "../adapters/read";
import type { Reconcile } from "../config/schema";
import { call, PspError, type PspFetch } from "./psp";
import { accessToken, forgetToken } from "./token";

/** One page of `GET {baseUrl}/pix` (Banco Central's "Consultar Pix recebidos", scope pix.read). */
export interface PixPage {
  items: unknown[];
  /** Whether a page after this one may hold more. */
  more: boolean;
  /** How many pages the window has, when the PSP says (`quantidadeDePaginas`). */
  pages?: number;
}

export interface PixQuery {
  inicio: Date;
  fim: Date;
  /** 0-based, as `paginacao.paginaAtual`. */
  page: number;
}

export async function listPix(reconcile: Reconcile, fetch: PspFetch, query: PixQuery, now: number): Promise<PixPage> {
  const url = new URL(`${reconcile.baseUrl.replace(/\/+$/, "")}/pix`);
  url.searchParams.set("inicio", rfc3339(query.inicio));
  url.searchParams.set("fim", rfc3339(query.fim));
  url.searchParams.set("paginacao.paginaAtual", String(query.page));
  url.searchParams.set("paginacao.itensPorPagina", String(reconcile.itemsPerPage));
  for (const [name, value] of Object.entries(reconcile.query)) url.searchParams.set(name, value);

  const token = await accessToken(reconcile, fetch, now);
  const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  let answer: unknown;
  try {
    answer = await call(fetch, url.toString(), { method: "GET", headers }, "unauthorized");
  } catch (error) {
    if (error instanceof PspError && error.code === "unauthorized") forgetToken(reconcile);
    throw error;
  }
  return readPage(answer, query.page, reconcile.itemsPerPage);
}

/**
 * `{parametros: {paginacao: {quantidadeDePaginas, ...}}, pix: [...]}`, read leniently:
 * `pix` may be one object or absent (no Pix), the page count may be a string or missing
 * (then a full page means there may be another). Anything but a JSON object is garbage.
 */
export function readPage(answer: unknown, page: number, itemsPerPage: number): PixPage {
  if (!isObject(answer)) throw new PspError("garbage");
  const items = asList(field(answer, "pix"));
  const pages = asNumber(field(field(field(answer, "parametros"), "paginacao"), "quantidadeDePaginas"));
  const more = items.length > 0 && (pages !== undefined ? page + 1 < pages : items.length >= itemsPerPage);
  return pages === undefined || !Number.isSafeInteger(pages) || pages < 0 ? { items, more } : { items, more, pages };
}

/** `2026-05-01T12:00:00Z`: RFC 3339 without fractions, as Banco Central's examples write it. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
