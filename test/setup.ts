// aws-sdk-client-mock's matchers (toHaveReceivedCommandWith, …), registered once for every test file.
import 'aws-sdk-client-mock-vitest/extend';
