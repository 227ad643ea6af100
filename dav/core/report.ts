/** REPORT: the body's root element names the report; extensions register reports with the server. */
import { badRequest, DavError, notFound } from '../errors.ts';
import type { DavServer, MethodHandler } from '../server.ts';
import { clark } from '../xml.ts';

/** REPORT. An unknown report, or one that does not apply to the target, is 403 `supported-report` (RFC 3253 §3.6). */
export function reportHandler(server: DavServer): MethodHandler {
  return async (d) => {
    const body = await d.readXml();
    if (!body) throw badRequest('REPORT needs a body naming the report');
    const node = await d.node();
    if (!node) throw notFound();
    const spec = server.report(clark(body.ns, body.local));
    if (!spec || !(spec.appliesTo?.(node) ?? true))
      throw new DavError(
        403,
        `the report ${body.local} is not supported here`,
        'DAV_REPORT_NOT_SUPPORTED',
        'supported-report',
      );
    await spec.handler(d, body, node);
  };
}
