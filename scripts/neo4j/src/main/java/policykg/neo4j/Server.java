package policykg.neo4j;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import inet.ipaddr.IPAddressString;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * A Neo4j Community server for development and tests: Bolt only, on 127.0.0.1.
 *
 * <p>Usage: {@code Server HOME_DIR [PORT]}. PORT 0 (the default) picks a free port.
 * Auth is disabled unless NEO4J_PASSWORD is set, in which case user {@code neo4j}
 * gets that password. Prints {@code NEO4J_URI=bolt://127.0.0.1:PORT} once Bolt
 * accepts connections, and shuts the database down cleanly on SIGTERM/SIGINT, or when the
 * process NEO4J_OWNER_PID names has exited.
 *
 * <p>Cypher reads no files and fetches no URLs: {@code LOAD CSV FROM 'file:///etc/passwd'} or
 * {@code 'http://127.0.0.1:…'} would hand any client what the server's account can read or reach.
 */
public final class Server {
    private Server() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Server HOME_DIR [PORT]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        if (port == 0) {
            port = freePort();
        }
        String password = System.getenv("NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                        List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                // A dev/test server: stop in a second, not after the default grace periods.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        if (auth) {
            try {
                setPassword(dbms, password);
            } catch (RuntimeException e) {
                System.err.println("could not set the password of user neo4j: " + e.getMessage());
                System.exit(1);  // the shutdown hook stops the database
            }
        }
        watchOwner();
        System.out.println("NEO4J_URI=bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * With NEO4J_OWNER_PID set (the test runner's pid), stop when that process is gone, so a
     * test run that is killed never leaves a server behind.
     */
    private static void watchOwner() {
        String owner = System.getenv("NEO4J_OWNER_PID");
        if (owner == null || owner.isEmpty()) {
            return;
        }
        long pid = Long.parseLong(owner.trim());
        Thread watcher = new Thread(() -> {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("owner process " + pid + " is gone: stopping");
            System.exit(0);  // the shutdown hook stops the database
        }, "owner-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The password never appears on a command line: it comes from the environment, bound as a parameter. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException e) {
            // A restart with the same password: Neo4j refuses to "change" it to itself.
            if (!String.valueOf(rootCause(e).getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
