// The JSON bodies of BMP's callback document, verbatim (line breaks and all). The last one is
// not valid JSON as documented: its `//Object` comments stand where values should be.

export const INSTALLMENTS = `{
"QtdeParcelas": 8,
"VlrTotalDivida": 11.2,
"DtFinanciado": "06-09-2024",
"Credito": {
"DtCredito": null,
"Conta": {
"CodigoBanco": null,
"NomeBanco": null,
"Agencia": null,
"Conta": null,
"ContaDigito": null
}
},
"Parcelas": [
{
"NroParcela": 1,
"VlrParcela": 1.4,
"VlrPrincipal": 1.25,
"VlrDespesas": 0.15,
"VlrSaldoDevedor": 9.8,
"DtVencimento": "16-09-2024"
},
{
"NroParcela": 2,
"VlrParcela": 1.4,
"VlrPrincipal": 1.25,
"VlrDespesas": 0.15,
"VlrSaldoDevedor": 8.4,
"DtVencimento": "16-10-2024"
}
]
}`;

export const SCHEDULE_CANCELED = `{
"TipoEvento": 1,
"NomeEvento": "Cancelamento de Agenda",
"NroProposta": 3543743,
"DtEvento": "2024-09-05",
"AcrescimoAbatimento": null,
"LancamentoParcela": null,
"ProrrogacaoVencimento": null,
"GeracaoBoleto": null,
"CancelamentoBoleto": null
}`;

export const SURCHARGE_DISCOUNT = `{
"TipoEvento": 2,
"NomeEvento": "Acréscimo/Abatimento",
"NroProposta": 3543753,
"DtEvento": "2024-09-05",
"AcrescimoAbatimento": {
"NroParcela": 2,
"VlrSaldo": 0,
"VlrAcrescimo": 10,
"VlrAbatimento": 0,
"VlrSaldoAtual": 10
},
"LancamentoParcela": null,
"ProrrogacaoVencimento": null,
"GeracaoBoleto": null,
"CancelamentoBoleto": null
}`;

export const INSTALLMENT_POSTING = `{
"TipoEvento": 3,
"NomeEvento": "Lançamento na Parcela",
"NroProposta": 3543603,
"DtEvento": "2024-09-05",
"AcrescimoAbatimento": null,
"LancamentoParcela": {
"NroParcela": 1,
"VlrOriginalParcela": 72.24,
"VlrSaldo": 0,
"ParcelaLiquidada": true,
"VlrEncargos": 0,
"VlrAbatimento": 0,
"VlrPagamento": 72.24,
"VlrDesconto": 0,
"VlrSaldoAtual": 0,
"VlrExcedente": 0,
"DtVencimento": "2024-09-15",
"DtVencimentoAtual": "2024-10-30",
"Boleto": {
"NroBoleto": null,
"Liquidacao": null
}
},
"ProrrogacaoVencimento": null,
"GeracaoBoleto": null,
"CancelamentoBoleto": null
}`;

export const DUE_DATE_EXTENSION = `{
"TipoEvento": 4,
"NomeEvento": "Prorrogação de Vencimento",
"NroProposta": 3543603,
"DtEvento": "2024-09-05",
"AcrescimoAbatimento": null,
"LancamentoParcela": null,
"ProrrogacaoVencimento": {
"NroParcela": 1,
"DtVencimentoAnterior": "2024-09-15",
"DtVencimentoAtual": "2024-10-30"
},
"GeracaoBoleto": null,
"CancelamentoBoleto": null
}`;

export const BOLETO_ISSUED = `{
"TipoEvento": 5,
"NomeEvento": "Geração de Boleto",
"NroProposta": 3544197,
"DtEvento": "2024-09-06",
"AcrescimoAbatimento": null,
"LancamentoParcela": null,
"ProrrogacaoVencimento": null,
"GeracaoBoleto": {
"CodigoBoleto": "8a72e6a3-cf73-46cb-99ee-b698335f1e12",
"NroBoleto": 48924,
"VlrBoleto": 1.4,
"DtVencimento": "2024-09-25",
"Liquidacao": true
},
"CancelamentoBoleto": null
}`;

export const BOLETO_CANCELED_AS_DOCUMENTED = `{
"TipoEvento": 6,
"NomeEvento": "Cancelamento de Boleto",
"NroProposta": 3541909,
"DtEvento": "2024-08-30",
"AcrescimoAbatimento": //Object
"LancamentoParcela": //Object
"ProrrogacaoVencimento": null, //Datetime
"GeracaoBoleto": null, //Object
"CancelamentoBoleto": {
"CodigoBoleto": "8f3898e2-c99b-40f2-9d13-6a23e5b7e082",
"NroBoleto": 48681,
"Parcelas": [
3
]
}
}`;

/** The same event with the comments cleaned away: null where the document says `//Object`. */
export const BOLETO_CANCELED = `{
"TipoEvento": 6,
"NomeEvento": "Cancelamento de Boleto",
"NroProposta": 3541909,
"DtEvento": "2024-08-30",
"AcrescimoAbatimento": null,
"LancamentoParcela": null,
"ProrrogacaoVencimento": null,
"GeracaoBoleto": null,
"CancelamentoBoleto": {
"CodigoBoleto": "8f3898e2-c99b-40f2-9d13-6a23e5b7e082",
"NroBoleto": 48681,
"Parcelas": [
3
]
}
}`;
