/*
 * Minimal launcher for a local Solr 9.10.x (standalone, one node) on plain Jetty 10.
 * Wiring mirrors Solr's own WEB-INF/web.xml: CoreContainerProvider (listener) +
 * SolrDispatchFilter on /solr/*. No admin UI, no test framework.
 *
 * System properties:
 *   solr.solr.home   (required) solr home containing solr.xml and core dirs
 *   ckan.solr.port   (default 8983)
 *   ckan.solr.host   (default 127.0.0.1)
 *   ckan.solr.core   (default ckan)   core that must be loaded, else exit 3
 *
 * Prints "SOLR_READY <url>" once the core is loaded. SIGTERM stops Jetty (and with it
 * the CoreContainer) through Jetty's shutdown hook. Started by scripts/solr.sh.
 */
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import javax.servlet.DispatcherType;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.solr.core.CoreContainer;
import org.apache.solr.servlet.CoreContainerProvider;
import org.apache.solr.servlet.SolrDispatchFilter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

public final class SolrLauncher {

  /** Same role as JettySolrRunner's Servlet404: anything not handled by the filter. */
  public static final class NotFound extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.sendError(404, "Can not find: " + req.getRequestURI());
    }
  }

  private static void fail(int code, String msg) {
    System.err.println("SOLR_FAILED " + msg);
    System.err.flush();
    System.exit(code); // runs Jetty's shutdown hook if the server was started
  }

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    String homeProp = System.getProperty("solr.solr.home");
    if (homeProp == null || homeProp.isEmpty()) fail(1, "-Dsolr.solr.home is required");
    Path home = Paths.get(homeProp).toAbsolutePath().normalize();
    if (!Files.isRegularFile(home.resolve("solr.xml"))) fail(1, "no solr.xml in " + home);
    System.setProperty("solr.solr.home", home.toString());
    String host = System.getProperty("ckan.solr.host", "127.0.0.1");
    int port = Integer.getInteger("ckan.solr.port", 8983);
    String core = System.getProperty("ckan.solr.core", "ckan");

    // Fail fast (no retry loop) if the port is taken.
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (BindException e) {
      fail(2, "port " + host + ":" + port + " is already in use");
    }

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    connector.setReuseAddress(true);
    server.addConnector(connector);

    ServletContextHandler ctx =
        new ServletContextHandler(server, "/solr", ServletContextHandler.NO_SESSIONS);
    ctx.addEventListener(new CoreContainerProvider());
    FilterHolder dispatch = ctx.addFilter(
        SolrDispatchFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
    dispatch.setInitParameter(
        "excludePatterns", "/partials/.+,/libs/.+,/css/.+,/js/.+,/img/.+,/templates/.+");
    ctx.addServlet(new ServletHolder(new NotFound()), "/");

    server.setStopAtShutdown(true); // SIGTERM -> server.stop() -> CoreContainer.shutdown()
    server.setStopTimeout(15_000);
    try {
      server.start();
    } catch (Exception e) {
      e.printStackTrace();
      fail(4, "Jetty failed to start: " + e);
    }

    CoreContainer cc = ((SolrDispatchFilter) dispatch.getFilter()).getCores();
    if (cc == null) fail(3, "CoreContainer not available (see solr.log)");
    cc.waitForLoadingCoresToFinish(120_000L);
    if (!cc.getLoadedCoreNames().contains(core)) {
      StringBuilder why = new StringBuilder();
      cc.getCoreInitFailures().forEach((name, f) -> {
        Throwable t = f.exception;
        while (t.getCause() != null) t = t.getCause(); // root cause is the useful part
        why.append(" [").append(name).append(": ").append(t.getMessage()).append(']');
      });
      fail(3, "core '" + core + "' not loaded; loaded=" + cc.getLoadedCoreNames()
          + " initFailures:" + (why.length() == 0 ? " none" : why));
    }
    String url = "http://" + host + ":" + connector.getLocalPort() + "/solr/" + core;
    System.out.printf("SOLR_READY %s (solr home %s, %.1f s in JVM)%n",
        url, home, (System.nanoTime() - t0) / 1e9);
    System.out.flush();
    new CountDownLatch(1).await(); // park; the shutdown hook does the rest
  }
}
