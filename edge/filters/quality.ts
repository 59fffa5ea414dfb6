/**
 * OPC UA status codes: the top two bits say Good (00), Uncertain (01) or Bad (10). Bad values are never used as
 * data; uncertain ones travel flagged. Works on the numeric code so it stays free of node-opcua.
 */
export type Quality = 'good' | 'uncertain' | 'bad';

export function qualityOf(statusCode: number): Quality {
  const severity = (statusCode >>> 30) & 0b11;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}
