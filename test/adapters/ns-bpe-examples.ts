// The two bodies of NS's webhook document, verbatim.
export const AUTHORIZED = `{
  "status": 200,
  "motivo": "Consulta realizada com sucesso",
  "chBPe": "43221007364617000135630050000030302223853846",
  "cStat": "100",
  "xMotivo": "Autorizado o uso do BP-e",
  "nProt": "143220000303255",
  "dhRecbto": "2022-10-04T11:33:50-03:00"
}`;

export const REJECTED = `{
  "status": 200,
  "motivo": "Consulta realizada com sucesso",
  "chBPe": "43221007364617000135630050000030312988464429",
  "cStat": "417",
  "xMotivo": "Rejeição: Data de entrada em contingência posterior a data de emissão"
}`;

/** The Authorization header NS's document shows, verbatim: `nstecnologia:senha!2#`. */
export const DOCUMENTED_AUTHORIZATION = "Basic bnN0ZWNub2xvZ2lhOnNlbmhhITIj";
