package dev.cf520.agent;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One container line's hooks, found through {@code META-INF/services}. Advice is named, never
 * loaded by the agent: it is read as bytes and inlined into the container's classes, where it
 * may use the container's types and cf520's bootstrap classes, nothing else.
 */
public interface ContainerInstrumentation {

    /** For logs and for the list of what was instrumented, e.g. {@code tomcat}. */
    String name();

    List<Hook> hooks();

    final class Hook {
        final ElementMatcher<? super TypeDescription> type;
        final ElementMatcher<? super MethodDescription> method;
        final String adviceClass;

        public Hook(ElementMatcher<? super TypeDescription> type, ElementMatcher<? super MethodDescription> method,
                String adviceClass) {
            this.type = type;
            this.method = method;
            this.adviceClass = adviceClass;
        }
    }
}
