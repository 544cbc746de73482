import { Type } from '@sinclair/typebox';

/**
 * OpenAPI descriptions of the main routes (documentation only: bodies are checked by the handlers with
 * PowerDNS's messages). Shapes follow PowerDNS 4.7's authoritative-api-swagger.yaml.
 */
const Record = Type.Object({ content: Type.String(), disabled: Type.Optional(Type.Boolean()) });
const Comment = Type.Object({ content: Type.String(), account: Type.String(), modified_at: Type.Optional(Type.Integer()) });
const RRset = Type.Object({
  name: Type.String({ description: 'Absolute owner name (trailing dot)' }),
  type: Type.String(),
  ttl: Type.Optional(Type.Integer()),
  changetype: Type.Optional(Type.Union([Type.Literal('REPLACE'), Type.Literal('DELETE'), Type.Literal('EXTEND'), Type.Literal('PRUNE')])),
  records: Type.Optional(Type.Array(Record)),
  comments: Type.Optional(Type.Array(Comment)),
});
const Zone = Type.Object({
  id: Type.String(), name: Type.String(), kind: Type.String({ description: 'Native, Master, Slave, Producer, Consumer (any PowerDNS spelling accepted)' }),
  masters: Type.Array(Type.String()), account: Type.String(), serial: Type.Integer(), dnssec: Type.Boolean(),
  soa_edit_api: Type.String(), rrsets: Type.Optional(Type.Array(RRset)),
});
const zoneId = Type.Object({ zone_id: Type.String({ description: 'Zone name with trailing dot; other characters as =XX' }) });

export const zoneListDoc = {
  summary: 'List zones', tags: ['zones'],
  querystring: Type.Object({ zone: Type.Optional(Type.String()), dnssec: Type.Optional(Type.Boolean()) }),
};
export const createDoc = {
  summary: 'Create a zone (rrsets, nameservers, kind, masters, soa_edit_api, dnssec, nsec3param, or zone text)', tags: ['zones'],
  body: Type.Intersect([Zone, Type.Object({ nameservers: Type.Optional(Type.Array(Type.String())), zone: Type.Optional(Type.String()) })]),
};
export const zoneDoc = {
  summary: 'A zone with its RRsets', tags: ['zones'], params: zoneId,
  querystring: Type.Object({
    rrsets: Type.Optional(Type.Boolean()), rrset_name: Type.Optional(Type.String()), rrset_type: Type.Optional(Type.String()),
    include_disabled: Type.Optional(Type.Boolean()),
  }),
};
export const patchDoc = {
  summary: 'Change RRsets in one transaction (REPLACE, DELETE, EXTEND, PRUNE); answered once DNS serves the change', tags: ['zones'],
  params: zoneId, body: Type.Object({ rrsets: Type.Array(RRset) }),
};
