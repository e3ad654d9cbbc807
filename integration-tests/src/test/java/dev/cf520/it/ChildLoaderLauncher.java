package dev.cf520.it;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a main class from a child class loader, as Spring Boot's launcher or a standalone
 * Tomcat's common loader do: the system class path holds only this class, so Tomcat's classes
 * (and the demo's) are invisible to the system loader and to the agent's own code.
 * Usage: {@code ChildLoaderLauncher <class path> <main class> [args...]}.
 */
public final class ChildLoaderLauncher {
    private ChildLoaderLauncher() {
    }

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String p : args[0].split(File.pathSeparator)) {
            urls.add(new File(p).toURI().toURL());
        }
        URLClassLoader child = new URLClassLoader("cf520-it-child", urls.toArray(new URL[0]),
                ClassLoader.getSystemClassLoader());
        // the container on the class path: Jetty 12 when its server jar is there, else Tomcat
        boolean jetty = args[0].contains("jetty-server-");
        String container = jetty ? "jetty" : "tomcat";
        String marker = jetty ? "org.eclipse.jetty.server.Server" : "org.apache.catalina.connector.CoyoteAdapter";
        Class<?> adapter = Class.forName(marker, false, child);
        boolean systemSees;
        try {
            ClassLoader.getSystemClassLoader().loadClass(marker);
            systemSees = true;
        } catch (ClassNotFoundException e) {
            systemSees = false;
        }
        System.out.println("cf520-it: " + container + " loaded by " + adapter.getClassLoader().getName()
                + ", visible to the system class loader: " + systemSees);
        Thread.currentThread().setContextClassLoader(child);
        child.loadClass(args[1]).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
}
