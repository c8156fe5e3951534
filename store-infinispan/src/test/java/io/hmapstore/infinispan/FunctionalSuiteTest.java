package io.hmapstore.infinispan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testng.ITestNGListener;
import org.testng.ITestResult;
import org.testng.TestListenerAdapter;
import org.testng.TestNG;

/**
 * Runs Infinispan's {@code BaseStoreFunctionalTest} subclasses ({@link HmapStoreFunctionalTest},
 * {@link HmapStoreUnsegmentedFunctionalTest}) through TestNG directly. The JUnit Platform's
 * testng-engine 1.1.0 discovers no test methods in them (0 tests ran, with no error) although TestNG
 * itself runs all 12, so the module's surefire configuration excludes them and this test runs them
 * and fails on any TestNG failure or skip.
 */
class FunctionalSuiteTest {
    /** Test methods BaseStoreFunctionalTest declares in Infinispan 16.2.2. */
    private static final int METHODS = 12;

    @ParameterizedTest
    @ValueSource(classes = {HmapStoreFunctionalTest.class, HmapStoreUnsegmentedFunctionalTest.class})
    void infinispansFunctionalStoreTestsPass(Class<?> testClass) {
        TestListenerAdapter results = new TestListenerAdapter();
        TestNG testng = new TestNG(false);
        testng.setTestClasses(new Class<?>[] {testClass});
        testng.setUseDefaultListeners(false);
        testng.setVerbose(0);
        testng.addListener((ITestNGListener) results);
        testng.run();

        List<String> problems = new ArrayList<>();
        for (ITestResult r : results.getFailedTests()) {
            problems.add("failed: " + r.getName() + ": " + r.getThrowable());
        }
        for (ITestResult r : results.getSkippedTests()) {
            problems.add("skipped: " + r.getName() + ": " + r.getThrowable());
        }
        for (ITestResult r : results.getConfigurationFailures()) {
            problems.add("configuration failed: " + r.getName() + ": " + r.getThrowable());
        }
        assertTrue(problems.isEmpty(), testClass.getSimpleName() + ": " + problems);
        assertEquals(METHODS, results.getPassedTests().size(), testClass.getSimpleName() + ": tests passed");
    }
}
