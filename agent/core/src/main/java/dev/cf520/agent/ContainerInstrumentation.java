package dev.cf520.agent;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * One container line's hooks, found through {@code META-INF/services}. Advice is named, never
 * loaded by the agent: it is read as bytes and inlined into the container's classes, where it
 * may use the container's types and cf520's neutral classes (dev.cf520.detect), nothing else.
 */
public interface ContainerInstrumentation {

    /** For logs and for the list of what was instrumented, e.g. {@code tomcat}. */
    String name();

    List<Hook> hooks();

    /**
     * Whether this line's hooked classes may load untouched while Byte Buddy warms up at start-up, to be
     * retransformed right after it (see HookTransformer): only for a line whose container starts no later than
     * that without harm, i.e. whose start-time hooks have a fallback at the first exchange and whose request path
     * loads classes of its own at the first request. Off unless a line's tests show both.
     */
    default boolean hooksMayWaitForWarmUp() {
        return false;
    }

    /**
     * Advice for the methods of one class, named exactly: hooks sit on concrete container classes,
     * which lets start-up decide by a set lookup whether a class being loaded concerns cf520.
     */
    final class Hook {
        final String typeName;
        final ElementMatcher<? super TypeDescription> versionGate;
        final ElementMatcher<? super MethodDescription> method;
        final String adviceClass;

        public Hook(String typeName, ElementMatcher<? super MethodDescription> method, String adviceClass) {
            this(typeName, ElementMatchers.any(), method, adviceClass);
        }

        /**
         * @param versionGate what the class must look like for this advice to apply (a field the
         *                    advice reads, a method another line lacks): a class of the same name in
         *                    another container version is then left alone instead of failing
         */
        public Hook(String typeName, ElementMatcher<? super TypeDescription> versionGate,
                ElementMatcher<? super MethodDescription> method, String adviceClass) {
            this.typeName = typeName;
            this.versionGate = versionGate;
            this.method = method;
            this.adviceClass = adviceClass;
        }
    }
}
