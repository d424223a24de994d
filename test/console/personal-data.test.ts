import { describe, expect, it } from "vitest";
import { kindOfKey, maskId, maskOf, maskPersonalData, maskText, wordsOf } from "../../src/console/personal-data";

describe("masking personal data by field name", () => {
  it("masks CPF, CNPJ, names, e-mail, phone and bank account fields wherever they sit", () => {
    const payload = {
      pix: [
        {
          endToEndId: "E18236120202012032010s0133872GZA",
          txid: "7978c0c97ea847e78e8849634473c1f1",
          valor: "110.00",
          pagador: { cpf: "12345678909", nome: "Francisco da Silva" },
          devolucoes: [{ id: "D1", recebedor: { cnpj: "11222333000181", razaoSocial: "Loja LTDA" } }],
        },
      ],
      Cliente: { NomeCompleto: "Maria Souza", Email: "maria@example.com.br", Telefone: 11912345678, ContaCorrente: { Agencia: "0001", Conta: "12345-6" } },
      CPFPagador: "529.982.247-25",
    };
    const masked = maskPersonalData(payload) as typeof payload;
    const item = masked.pix[0]!;
    expect(item.endToEndId).toBe("E18236120202012032010s0133872GZA");
    expect(item.txid).toBe("7978c0c97ea847e78e8849634473c1f1");
    expect(item.valor).toBe("110.00");
    expect(item.pagador).toEqual({ cpf: maskOf("cpf"), nome: maskOf("name") });
    expect(item.devolucoes[0]!.id).toBe("D1");
    expect(item.devolucoes[0]!.recebedor).toEqual({ cnpj: maskOf("cnpj"), razaoSocial: maskOf("name") });
    expect(masked.Cliente).toEqual({
      NomeCompleto: maskOf("name"),
      Email: maskOf("email"),
      Telefone: maskOf("phone"),
      ContaCorrente: { Agencia: maskOf("account"), Conta: maskOf("account") },
    });
    expect(masked.CPFPagador).toBe(maskOf("cpf"));
    expect(JSON.stringify(masked)).not.toMatch(/Francisco|Maria|Loja|12345678909|11222333000181|maria@|912345678|0001|12345-6|529\.982/);
  });

  it("reads field names in camelCase, snake_case, acronyms and accents", () => {
    expect(kindOfKey("nomePagador")).toBe("name");
    expect(kindOfKey("payer_email")).toBe("email");
    expect(kindOfKey("CNPJBeneficiario")).toBe("cnpj");
    expect(kindOfKey("cpfCnpj")).toBe("document");
    expect(kindOfKey("agência")).toBe("account");
    expect(kindOfKey("chave")).toBe("pix-key");
    expect(kindOfKey("NossoNumeroBoleto")).toBeUndefined();
    expect(kindOfKey("contato")).toBeUndefined();
    expect(kindOfKey("endToEndId")).toBeUndefined();
  });

  it("leaves the original untouched and keeps empty values and nulls as they are", () => {
    const payload = { nome: "Ana", email: "", phone: null, n: 3, ok: true };
    expect(maskPersonalData(payload)).toEqual({ nome: maskOf("name"), email: "", phone: null, n: 3, ok: true });
    expect(payload.nome).toBe("Ana");
  });
});

describe("masking personal data by value", () => {
  it("masks formatted CPFs, CNPJs, e-mails and phones inside free text", () => {
    const text = "Pago por ana.lima+pix@banco.com.br, CPF 529.982.247-25, CNPJ 11.222.333/0001-81, tel (11) 91234-5678 ou +55 21 99876 5432";
    expect(maskText(text)).toBe(`Pago por ${maskOf("email")}, CPF ${maskOf("cpf")}, CNPJ ${maskOf("cnpj")}, tel ${maskOf("phone")} ou ${maskOf("phone")}`);
  });

  it("masks a phone by its context: a country or area code, a mobile's 9, or a phone word before it", () => {
    for (const phone of ["+55 11 91234-5678", "(11) 91234-5678", "(11) 3456-7890", "11 91234-5678", "91234-5678", "+55 21 99876 5432", "+5521998765432"]) {
      expect(maskText(`ligar ${phone} hoje`), phone).toBe(`ligar ${maskOf("phone")} hoje`);
    }
    expect(maskText("tel 3456-7890")).toBe(`tel ${maskOf("phone")}`);
    expect(maskText("Fone: 3456-7890")).toBe(`Fone: ${maskOf("phone")}`);
  });

  it("leaves an order number, a range or a reference whose digits merely look like a phone", () => {
    for (const text of ["PEDIDO-2024-0917", "pedido 2024-0917", "NF 1234-5678", "lote/2024-0917", "A91234-5678", "v1.2024-0917", "2024-0917-01"]) {
      expect(maskText(text), text).toBe(text);
    }
    expect(maskPersonalData({ descricao: "Pedido PEDIDO-2024-0917 pago", referencia: "PEDIDO-2024-0917" })).toEqual({
      descricao: "Pedido PEDIDO-2024-0917 pago",
      referencia: "PEDIDO-2024-0917",
    });
  });

  it("masks a bare CPF or CNPJ only when its check digits hold, so business keys stay readable", () => {
    expect(maskText("52998224725")).toBe(maskOf("cpf"));
    expect(maskText("11222333000181")).toBe(maskOf("cnpj"));
    expect(maskText("52998224726")).toBe("52998224726");
    expect(maskText("00012345")).toBe("00012345");
    expect(maskText("11111111111")).toBe("11111111111");
    expect(maskText("E18236120202012032010s0133872GZA")).toBe("E18236120202012032010s0133872GZA");
  });

  it("masks values under any key, keys themselves included", () => {
    expect(maskPersonalData({ pagador: { endereco: { rua: "R. A" } } })).toEqual({ pagador: { endereco: { rua: maskOf("name") } } });
    expect(maskPersonalData({ infoPagador: "x", obs: ["ligar 11 91234-5678"], "joao@example.com": 1 })).toEqual({
      infoPagador: maskOf("free text"),
      obs: [`ligar ${maskOf("phone")}`],
      [maskOf("email")]: 1,
    });
  });

  it("takes linear time on hostile text", () => {
    const hostile = `${"a".repeat(200_000)}@${"b.".repeat(100_000)}${"1-".repeat(100_000)}`;
    const started = Date.now();
    maskText(hostile);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reads a key of 40,000 capitals in linear time, and does not classify keys over 256 characters (issue 19, finding 3)", () => {
    const long = `${"A".repeat(40_000)}_1`;
    const filler = Object.fromEntries(Array.from({ length: 1_600 }, (_, i) => [`campo${i}`, `valor ${i} ${"x".repeat(30)}`]));
    const notification = { [long]: "529.982.247-25 e 52998224725", nome: "Ana", ...filler };
    expect(JSON.stringify(notification).length).toBeGreaterThan(100_000);
    const started = performance.now();
    const masked = maskPersonalData(notification) as Record<string, unknown>;
    const took = performance.now() - started;
    // The quadratic split took about 8 s here; the tokenizer takes milliseconds.
    expect(took).toBeLessThan(750);
    expect(masked[long]).toBe(`${maskOf("cpf")} e 52998224725`);
    expect(masked.nome).toBe(maskOf("name"));
    expect(masked.campo7).toBe(`valor 7 ${"x".repeat(30)}`);
    expect(kindOfKey(`nome${"x".repeat(300)}`)).toBeUndefined();
    expect(kindOfKey(`nome_${"x".repeat(200)}`)).toBe("name");
  });

  it("splits field names into words in one pass", () => {
    expect(wordsOf("nomePagador")).toEqual(["nome", "pagador"]);
    expect(wordsOf("CPFCnpj")).toEqual(["cpf", "cnpj"]);
    expect(wordsOf("HTTPServer2Name")).toEqual(["http", "server2", "name"]);
    expect(wordsOf("e_mail--x")).toEqual(["e", "mail", "x"]);
    expect(wordsOf("ABC")).toEqual(["abc"]);
  });
});

describe("masking identifiers (issue 19, finding 11)", () => {
  it("masks a bare CPF or CNPJ between an id's separators, and leaves other digits", () => {
    expect(maskId("acme:52998224725")).toBe(`acme:${maskOf("cpf")}`);
    expect(maskId("acme:11222333000181@20261201T100000Z")).toBe(`acme:${maskOf("cnpj")}@20261201T100000Z`);
    expect(maskId("acme:529.982.247-25")).toBe(`acme:${maskOf("cpf")}`);
    expect(maskId("bs2-boleto:00012345:3")).toBe("bs2-boleto:00012345:3");
    expect(maskId("acme:12345678901")).toBe("acme:12345678901");
    expect(maskId("pix:E1234567820261201529982247250000")).toBe("pix:E1234567820261201529982247250000");
  });

  it("masks Pix infoPagador as free text, not as a name", () => {
    expect(kindOfKey("infoPagador")).toBe("free text");
    expect(maskPersonalData({ infoPagador: "pagamento do aluguel, ligar p/ Ana" })).toEqual({ infoPagador: maskOf("free text") });
  });
});
