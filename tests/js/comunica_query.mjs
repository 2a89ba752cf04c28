// Run SPARQL queries with Comunica (unmodified) against one endpoint; print the results as JSON.
// usage: node comunica_query.mjs ENDPOINT QUERIES.json   (a JSON array of query strings)
import { readFileSync } from 'node:fs';
import { QueryEngine } from '@comunica/query-sparql';

const [endpoint, file] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(file, 'utf8'));
const engine = new QueryEngine();
const out = [];
for (const query of queries) {
  const context = { sources: [{ type: 'sparql', value: endpoint }], lenient: false };
  try {
    const result = await engine.query(query, context);
    if (result.resultType === 'bindings') {
      const rows = await (await result.execute()).toArray();
      out.push({ type: 'bindings', rows: rows.map((b) => Object.fromEntries([...b].map(([k, v]) => [k.value, v.value]))) });
    } else if (result.resultType === 'boolean') {
      out.push({ type: 'boolean', value: await result.execute() });
    } else {
      const quads = await (await result.execute()).toArray();
      out.push({ type: 'quads', quads: quads.map((q) => [q.subject.value, q.predicate.value, q.object.value]) });
    }
  } catch (e) {
    out.push({ type: 'error', message: String(e && e.message || e) });
  }
}
process.stdout.write(JSON.stringify(out));
