/**
 * LGPD masking for the console (docs/contract.md §9): personal data in a payload is hidden in every
 * view unless the operator reveals one event's payload. Two nets, both applied everywhere:
 *
 * - by key name: a field whose name speaks of a CPF, CNPJ, name, e-mail, phone or bank account
 *   has its whole value masked, nested objects and arrays included (labelled by the nearest
 *   such name: `pagador.cpf` says cpf);
 * - by value: inside any string, formatted CPFs and CNPJs, e-mail addresses and formatted phone
 *   numbers are masked, and a string that is nothing but a CPF or CNPJ whose check digits hold.
 *
 * A bare run of digits is not masked by value unless its check digits say CPF or CNPJ: business
 * keys (boleto numbers, end-to-end ids) must stay readable, and they are what operators search by.
 * The patterns have bounded quantifiers only, so masking is linear in the payload's size.
 */

export type PersonalDataKind = "cpf" | "cnpj" | "document" | "name" | "email" | "phone" | "account" | "pix-key";

export const maskOf = (kind: PersonalDataKind) => `[masked ${kind}]`;

/** Words of a field name ("nomePagador" → nome, pagador) and the kind each one marks. */
const WORD_KINDS: Record<string, PersonalDataKind> = {
  cpf: "cpf",
  cnpj: "cnpj",
  cpfcnpj: "document",
  documento: "document",
  document: "document",
  nome: "name",
  name: "name",
  razao: "name",
  pagador: "name",
  recebedor: "name",
  devedor: "name",
  sacado: "name",
  favorecido: "name",
  titular: "name",
  email: "email",
  mail: "email",
  telefone: "phone",
  phone: "phone",
  celular: "phone",
  fone: "phone",
  whatsapp: "phone",
  conta: "account",
  account: "account",
  agencia: "account",
  branch: "account",
  iban: "account",
  chave: "pix-key",
};

/** The kind of personal data a field name marks, if any. */
export function kindOfKey(key: string): PersonalDataKind | undefined {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/);
  const joined = words.join("");
  if (Object.hasOwn(WORD_KINDS, joined)) return WORD_KINDS[joined];
  for (const word of words) if (Object.hasOwn(WORD_KINDS, word)) return WORD_KINDS[word];
  return undefined;
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const CPF_FORMATTED = /(?<![\d.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\d-])/g;
const CNPJ_FORMATTED = /(?<![\d.])\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}(?![\d-])/g;
/** +55 11 91234-5678, (11) 91234-5678, 11 91234-5678, 91234-5678: a hyphen or a country/area code marks a phone. */
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2}\)[ ]?|\d{2}[ ])?9?\d{4}-\d{4}(?![\w-])|(?<![\w+])\+\d{1,3}[ ]?\d{2}[ ]?9?\d{4}[ ]?\d{4}(?!\w)/g;

/** A string with personal data inside it masked; the rest of it kept. */
export function maskText(text: string): string {
  const whole = text.trim();
  if (/^\d{11}$/.test(whole) && validCpf(whole)) return maskOf("cpf");
  if (/^\d{14}$/.test(whole) && validCnpj(whole)) return maskOf("cnpj");
  return text.replace(EMAIL, maskOf("email")).replace(CNPJ_FORMATTED, maskOf("cnpj")).replace(CPF_FORMATTED, maskOf("cpf")).replace(PHONE, maskOf("phone"));
}

/** A copy of a payload with personal data masked, by key name and by value. */
export function maskPersonalData(value: unknown): unknown {
  return walk(value, undefined);
}

function walk(value: unknown, kind: PersonalDataKind | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, kind));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[maskText(key)] = walk(item, kindOfKey(key) ?? kind);
    return out;
  }
  if (kind !== undefined && value !== null && value !== "") return maskOf(kind);
  return typeof value === "string" ? maskText(value) : value;
}

function digitsOf(text: string): number[] {
  return [...text].map(Number);
}

function validCpf(text: string): boolean {
  const d = digitsOf(text);
  if (d.every((x) => x === d[0])) return false;
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i]! * (n + 1 - i);
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return check(9) === d[9] && check(10) === d[10];
}

function validCnpj(text: string): boolean {
  const d = digitsOf(text);
  if (d.every((x) => x === d[0])) return false;
  const check = (n: number) => {
    const weights = n === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const sum = weights.reduce((acc, w, i) => acc + w * d[i]!, 0);
    const rest = sum % 11;
    return rest < 2 ? 0 : 11 - rest;
  };
  return check(12) === d[12] && check(13) === d[13];
}
