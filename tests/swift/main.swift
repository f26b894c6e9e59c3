// Explicit XCTest entry point: swift-corelibs-xctest has no test discovery without SwiftPM.
// Every XCTestCase in this directory must be listed here, with its allTests.
import XCTest

XCTMain([
    testCase(EnrollmentTests.allTests),
    testCase(CodeTests.allTests),
    testCase(VaultTests.allTests),
    testCase(TimeTests.allTests),
    testCase(BackupTests.allTests),
    testCase(ConcurrencyTests.allTests),
    testCase(KunciKitTests.allTests),
    testCase(AppLogicTests.allTests),
    testCase(CodesScreenTests.allTests),
    testCase(EnrollScreenTests.allTests),
    testCase(BackupHelpdeskScreenTests.allTests),
    testCase(StringsTests.allTests),
    testCase(LifecycleTests.allTests),
    testCase(TransferTests.allTests),
])
