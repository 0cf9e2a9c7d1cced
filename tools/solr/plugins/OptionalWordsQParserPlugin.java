package ckanext.minato_plan.solr;

import java.util.Locale;

import org.apache.solr.common.params.CommonParams;
import org.apache.solr.common.params.SolrParams;
import org.apache.solr.common.util.NamedList;
import org.apache.solr.request.SolrQueryRequest;
import org.apache.solr.search.ExtendedDismaxQParserPlugin;
import org.apache.solr.search.QParser;

/**
 * Solr's edismax with settings of its own, for searches whose request parameters the caller
 * cannot choose freely (CKAN sends every search with {@code q.op=AND} and lets neither
 * {@code q.op}, {@code mm.autoRelax} nor {@code pf} through).
 *
 * <p>Registered in solrconfig.xml with up to three lists:
 * <ul>
 *   <li>{@code invariants}: parameters that replace the request's (e.g. {@code q.op=OR}, so that
 *       the words need only meet {@code mm});</li>
 *   <li>{@code defaults}: parameters the request may override;</li>
 *   <li>{@code ranked}: defaults that apply only when the results are ordered by score (no
 *       {@code sort}, or one that starts with {@code score}), e.g. {@code pf}, which changes
 *       scores alone.</li>
 * </ul>
 * A query's own local parameters still come first, as with edismax.
 */
public class OptionalWordsQParserPlugin extends ExtendedDismaxQParserPlugin {
  private SolrParams invariants = SolrParams.of();
  private SolrParams defaults = SolrParams.of();
  private SolrParams ranked = SolrParams.of();

  @Override
  public void init(NamedList<?> args) {
    if (args == null) {
      return;
    }
    invariants = list(args, "invariants");
    defaults = list(args, "defaults");
    ranked = list(args, "ranked");
  }

  private static SolrParams list(NamedList<?> args, String name) {
    Object value = args.get(name);
    return value instanceof NamedList ? ((NamedList<?>) value).toSolrParams() : SolrParams.of();
  }

  /** Whether results in the order {@code sort} are ranked by score first. */
  static boolean rankedByScore(String sort) {
    return sort == null || sort.isBlank()
        || sort.trim().toLowerCase(Locale.ROOT).startsWith("score");
  }

  @Override
  public QParser createParser(
      String qstr, SolrParams localParams, SolrParams params, SolrQueryRequest req) {
    SolrParams fallback = rankedByScore(params.get(CommonParams.SORT))
        ? SolrParams.wrapDefaults(ranked, defaults) : defaults;
    SolrParams effective = SolrParams.wrapDefaults(invariants,
        SolrParams.wrapDefaults(params, fallback));
    return super.createParser(qstr, localParams, effective, req);
  }
}
