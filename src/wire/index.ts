export { WireError } from './errors.js';
export type { WireErrorCode } from './errors.js';
export { RRType, RRClass, Rcode, Opcode, Flag, EdnsOptionCode, BADSIG } from './constants.js';
export type { Name } from './name.js';
export {
  ROOT, nameFromText, nameToText, nameLower, nameKey, nameEqual, nameIsBelowOrAt, nameLabelCount, nameParent,
  nameCompareCanonical, nameWildcard, nameLength,
} from './name.js';
export type { Question, Rr, EdnsOption, Edns, ClientSubnet, Cookie, Message } from './message-types.js';
export type { Token } from './token.js';
export { tokenize } from './token.js';
export { typeFromText, typeToText, classFromText, classToText, isTypeText, isClassText, ttlFromText } from './type-text.js';
export {
  rdataFromText, rdataToText, rdataCanonical, rdataNames, rdataValidate, soaSerial, soaMinimum, rrsigTypeCovered,
  typeBitmapHas, nsecTypes, nsec3Types,
} from './rdata.js';
export { rrToText, rrFromText } from './rr-text.js';
export { base64Encode, base64Decode, hexEncode, hexDecode } from './encoding.js';
export type { Query } from './query-reader.js';
export { readQuery } from './query-reader.js';
export { MessageWriter } from './writer.js';
export type { OptWrite } from './writer.js';
export { decodeMessage } from './message-decode.js';
export { encodeMessage } from './message-encode.js';
export { decodeClientSubnet, encodeClientSubnet, decodeCookie } from './edns.js';
export type { Hmac, HmacAlgorithm, TsigKey, TsigSignOptions, TsigVerifyOptions, TsigVerifyResult } from './tsig.js';
export { tsigSign, tsigVerify, tsigAlgorithmName } from './tsig.js';
