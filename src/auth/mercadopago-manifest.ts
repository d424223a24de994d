/**
 * What Mercado Pago signs: `id:{data.id};request-id:{x-request-id};ts:{ts};`, a part left out
 * (label and semicolon) when absent, `data.id` lower-cased when alphanumeric. Apart from
 * ./mercadopago.ts so `npm run send` signs with the very same text.
 */
export function manifest(dataId: string | null, requestId: string | null, ts: string): string {
  let text = "";
  if (dataId !== null && dataId !== "") text += `id:${/^[A-Za-z0-9]+$/.test(dataId) ? dataId.toLowerCase() : dataId};`;
  if (requestId !== null && requestId !== "") text += `request-id:${requestId};`;
  return `${text}ts:${ts};`;
}
