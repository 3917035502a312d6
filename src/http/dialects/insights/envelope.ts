import type { FastifyRequest } from 'fastify';
import type { Links } from './render.js';

/** The server's origin as the caller reached it, for the absolute URLs the document shows. */
export function linksOf(req: FastifyRequest, tenant: string | undefined): Links {
  return {
    origin: `${req.protocol}://${req.host}`,
    base: tenant === undefined ? '' : `/live/v1/serviceTypeAPI/STNG/${encodeURIComponent(tenant)}`,
  };
}

/** This request's URL with `page` set to `page`: the query as sent, in its order, otherwise unchanged. */
function pageUrl(req: FastifyRequest, page: number): string {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const params = new URLSearchParams(query);
  params.set('page', String(page));
  // A token given in the query is not written into answers (where proxies and logs keep it).
  params.delete('auth_token');
  return `${req.protocol}://${req.host}${path}?${params.toString()}`;
}

/**
 * A page in the document's envelope. Section 2.x documents `pages` with string values and the
 * misspelt `previosPage`; section 4.2.4 spells it `previousPage`, section 1.2.4.3 names
 * `page`, `pageSize`, `pagesCount`, `totalCount`, and the worked example of section 3 reads
 * `result`, `count` and `pagesCount` at the top. Every spelling is answered, so a client
 * written from any part of the document finds what it reads.
 */
/** `more`: a next page is known to exist though the total (a capped count) does not say so. */
export function pageEnvelope(req: FastifyRequest, data: unknown[], page: number, pageSize: number, total: number, more: boolean): Record<string, unknown> {
  const counted = Math.ceil(total / pageSize);
  const pagesCount = more ? Math.max(page + 1, counted) : counted;
  const next = page < pagesCount ? pageUrl(req, page + 1) : '';
  const previous = page > 1 ? pageUrl(req, Math.max(1, Math.min(page - 1, pagesCount))) : '';
  return {
    result: { statusCode: 'ok', description: 'Success' },
    count: total,
    totalCount: total,
    page,
    pageSize,
    pagesCount,
    data,
    pages: {
      size: String(pageSize), total: String(pagesCount), current: String(page), totalElements: String(total),
      nextPage: next, previosPage: previous, previousPage: previous,
    },
  };
}
