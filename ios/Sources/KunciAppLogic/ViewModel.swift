// The base of every screen's state machine. SwiftUI needs ObservableObject (Combine, Apple-only);
// on Linux the same class compiles without it and tests read the state directly. Subclasses call
// `willChange()` before mutating published state (a `willSet` on each property).
import Foundation
#if canImport(Combine)
import Combine
#endif

@MainActor
open class ViewModel {
    #if canImport(Combine)
    public nonisolated let objectWillChange = ObservableObjectPublisher()
    #endif
    /// How many changes were announced (tests check that a screen re-renders when it should).
    public private(set) var changes = 0

    /// Nonisolated so an App's init (not on the main actor before iOS 17) can make one.
    public nonisolated init() {}

    public func willChange() {
        changes += 1
        #if canImport(Combine)
        objectWillChange.send()
        #endif
    }
}

#if canImport(Combine)
extension ViewModel: ObservableObject {}
#endif
